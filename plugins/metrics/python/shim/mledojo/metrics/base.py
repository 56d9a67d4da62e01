"""The base class and exception MLE-Dojo's competition metric files import, re-implemented by Dojo so
those files run unchanged: `from mledojo.metrics.base import CompetitionMetrics, InvalidSubmissionError`.
"""


class InvalidSubmissionError(Exception):
    """Raised by a metric when the submission cannot be graded; Dojo reports it as submission_invalid."""


class CompetitionMetrics:
    """A competition's metric: evaluate(y_true, y_pred) returns the score, validate_submission(submission,
    ground_truth) raises InvalidSubmissionError for a submission that cannot be graded.

    Every subclass is recorded in CompetitionMetrics.subclasses, as in MLE-Dojo. The two methods are
    not enforced as abstract, so a class that defines only evaluate still loads.
    """

    subclasses = []

    def __init__(self, higher_is_better: bool = True):
        self.higher_is_better = higher_is_better

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        CompetitionMetrics.subclasses.append(cls)

    def evaluate(self, y_true, y_pred) -> float:
        raise NotImplementedError(f"{type(self).__name__} does not define evaluate")

    def validate_submission(self, submission, ground_truth):
        return "Submission is valid."
