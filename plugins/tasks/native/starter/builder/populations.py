"""The reference populations of the starter-pack builder (build.py).

Each population lists (name, family, factory) entries; a factory builds a fresh, seeded,
single-threaded scikit-learn estimator. Forecasters are (name, family, function(history, horizon)).
Changing a population changes every competition's leaderboards and checksums that use it.
"""

import numpy as np
import pandas as pd


def preprocessor(X, scale=True):
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    num = [c for c in X.columns if pd.api.types.is_numeric_dtype(X[c])]
    cat = [c for c in X.columns if c not in num]
    steps = [SimpleImputer(strategy="median")] + ([StandardScaler()] if scale else [])
    parts = [("num", make_pipeline(*steps), num)]
    if cat:
        parts.append(("cat", make_pipeline(SimpleImputer(strategy="most_frequent"),
                                           OneHotEncoder(handle_unknown="ignore", sparse_output=False)), cat))
    return ColumnTransformer(parts)


def tabular_classifiers():
    from sklearn import discriminant_analysis as da
    from sklearn import dummy, ensemble, linear_model, naive_bayes, neighbors, svm, tree

    out = [("dummy_most_frequent", "dummy", lambda: dummy.DummyClassifier(strategy="most_frequent")),
           ("dummy_prior", "dummy", lambda: dummy.DummyClassifier(strategy="prior"))]
    for s in (0, 1, 2):
        out.append(("dummy_stratified_seed%d" % s, "dummy", lambda s=s: dummy.DummyClassifier(strategy="stratified", random_state=s)))
    for s in (0, 1):
        out.append(("dummy_uniform_seed%d" % s, "dummy", lambda s=s: dummy.DummyClassifier(strategy="uniform", random_state=s)))
    for c in (0.001, 0.01, 0.1, 1, 10, 100):
        out.append(("logistic_C%g" % c, "linear", lambda c=c: linear_model.LogisticRegression(C=c, max_iter=2000)))
    for k in (1, 3, 7, 15, 41):
        out.append(("knn_k%d" % k, "neighbors", lambda k=k: neighbors.KNeighborsClassifier(n_neighbors=k)))
    for d in (1, 2, 3, 5, 8, None):
        out.append(("tree_depth%s" % d, "tree", lambda d=d: tree.DecisionTreeClassifier(max_depth=d, random_state=0)))
    for n, d, s in ((10, 3, 0), (50, None, 0), (200, None, 1), (100, 6, 2)):
        out.append(("random_forest_n%d_depth%s_seed%d" % (n, d, s), "forest",
                    lambda n=n, d=d, s=s: ensemble.RandomForestClassifier(n_estimators=n, max_depth=d, random_state=s, n_jobs=1)))
    out.append(("extra_trees_n100", "forest", lambda: ensemble.ExtraTreesClassifier(n_estimators=100, random_state=0, n_jobs=1)))
    for n, d, lr in ((20, 2, 0.1), (50, 3, 0.1), (100, 2, 0.1)):
        out.append(("gradient_boosting_n%d_depth%d_lr%g" % (n, d, lr), "boosting",
                    lambda n=n, d=d, lr=lr: ensemble.GradientBoostingClassifier(n_estimators=n, max_depth=d, learning_rate=lr, random_state=0)))
    for it in (30, 150):
        out.append(("hist_gradient_boosting_iter%d" % it, "boosting",
                    lambda it=it: ensemble.HistGradientBoostingClassifier(max_iter=it, random_state=0)))
    out.append(("gaussian_nb", "bayes", lambda: naive_bayes.GaussianNB()))
    out.append(("lda", "linear", lambda: da.LinearDiscriminantAnalysis()))
    for c in (0.1, 1, 10):
        out.append(("svc_rbf_C%g" % c, "kernel", lambda c=c: svm.SVC(C=c, probability=True, random_state=0)))
    return out


def tabular_regressors():
    from sklearn import dummy, ensemble, linear_model, neighbors, svm, tree

    out = [("dummy_mean", "dummy", lambda: dummy.DummyRegressor(strategy="mean")),
           ("dummy_median", "dummy", lambda: dummy.DummyRegressor(strategy="median")),
           ("linear_regression", "linear", lambda: linear_model.LinearRegression())]
    for a in (0.1, 1, 10, 100, 1000):
        out.append(("ridge_alpha%g" % a, "linear", lambda a=a: linear_model.Ridge(alpha=a)))
    for a in (0.01, 0.1, 1, 10):
        out.append(("lasso_alpha%g" % a, "linear", lambda a=a: linear_model.Lasso(alpha=a, max_iter=10000)))
    for k in (1, 5, 15, 50):
        out.append(("knn_k%d" % k, "neighbors", lambda k=k: neighbors.KNeighborsRegressor(n_neighbors=k)))
    for d in (2, 4, 8, None):
        out.append(("tree_depth%s" % d, "tree", lambda d=d: tree.DecisionTreeRegressor(max_depth=d, random_state=0)))
    for n, d, s in ((10, 4, 0), (100, None, 0), (200, None, 1)):
        out.append(("random_forest_n%d_depth%s_seed%d" % (n, d, s), "forest",
                    lambda n=n, d=d, s=s: ensemble.RandomForestRegressor(n_estimators=n, max_depth=d, random_state=s, n_jobs=1)))
    out.append(("extra_trees_n100", "forest", lambda: ensemble.ExtraTreesRegressor(n_estimators=100, random_state=0, n_jobs=1)))
    for n, d, lr in ((50, 2, 0.1), (200, 3, 0.1), (500, 4, 0.03)):
        out.append(("gradient_boosting_n%d_depth%d_lr%g" % (n, d, lr), "boosting",
                    lambda n=n, d=d, lr=lr: ensemble.GradientBoostingRegressor(n_estimators=n, max_depth=d, learning_rate=lr, subsample=0.8, random_state=0)))
    for it in (50, 300):
        out.append(("hist_gradient_boosting_iter%d" % it, "boosting",
                    lambda it=it: ensemble.HistGradientBoostingRegressor(max_iter=it, random_state=0)))
    for c in (1, 10, 100):
        out.append(("svr_rbf_C%g" % c, "kernel", lambda c=c: svm.SVR(C=c)))
    return out


def image_classifiers():
    from sklearn import discriminant_analysis as da
    from sklearn import dummy, ensemble, linear_model, naive_bayes, neighbors, tree
    from sklearn.decomposition import PCA
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    def pca(k, est):
        return make_pipeline(PCA(n_components=k, random_state=0), StandardScaler(), est)

    out = [("dummy_most_frequent", "dummy", lambda: dummy.DummyClassifier(strategy="most_frequent"))]
    for s in (0, 1, 2):
        out.append(("dummy_stratified_seed%d" % s, "dummy", lambda s=s: dummy.DummyClassifier(strategy="stratified", random_state=s)))
    out.append(("gaussian_nb", "bayes", lambda: naive_bayes.GaussianNB()))
    for k in (2, 5, 10, 20, 50):
        out.append(("pca%d_logistic" % k, "linear", lambda k=k: pca(k, linear_model.LogisticRegression(max_iter=1000))))
    for k in (1, 5, 25):
        out.append(("pca30_knn_k%d" % k, "neighbors", lambda k=k: pca(30, neighbors.KNeighborsClassifier(n_neighbors=k))))
    for d in (2, 4, 8, 16):
        out.append(("tree_depth%d" % d, "tree", lambda d=d: tree.DecisionTreeClassifier(max_depth=d, random_state=0)))
    for n, d in ((20, 8), (30, None), (100, None)):
        out.append(("random_forest_n%d_depth%s" % (n, d), "forest",
                    lambda n=n, d=d: ensemble.RandomForestClassifier(n_estimators=n, max_depth=d, random_state=0, n_jobs=1)))
    out.append(("extra_trees_n60", "forest", lambda: ensemble.ExtraTreesClassifier(n_estimators=60, random_state=0, n_jobs=1)))
    out.append(("pca50_lda", "linear", lambda: pca(50, da.LinearDiscriminantAnalysis())))
    return out


def text_classifiers(text_col):
    from sklearn import dummy, linear_model, naive_bayes
    from sklearn.compose import ColumnTransformer
    from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import FunctionTransformer, StandardScaler

    def on_text(vec, est):
        return make_pipeline(ColumnTransformer([("text", vec, text_col)]), est)

    def length_features(X):
        s = X[text_col].fillna("")
        return np.c_[s.str.len(), s.str.count("!"), s.str.count(r"\?")]

    out = [("dummy_prior", "dummy", lambda: dummy.DummyClassifier(strategy="prior"))]
    for s in (0, 1, 2):
        out.append(("dummy_stratified_seed%d" % s, "dummy", lambda s=s: dummy.DummyClassifier(strategy="stratified", random_state=s)))
    out.append(("length_logistic", "linear", lambda: make_pipeline(FunctionTransformer(length_features), StandardScaler(),
                                                                   linear_model.LogisticRegression())))
    for mf in (20, 100, 500, 2000):
        out.append(("tfidf_top%d_logistic" % mf, "linear",
                    lambda mf=mf: on_text(TfidfVectorizer(max_features=mf), linear_model.LogisticRegression(max_iter=2000))))
    for c in (0.1, 1, 10):
        out.append(("tfidf_words_logistic_C%g" % c, "linear",
                    lambda c=c: on_text(TfidfVectorizer(min_df=2), linear_model.LogisticRegression(C=c, max_iter=2000))))
    for c in (1, 10):
        out.append(("tfidf_bigrams_logistic_C%g" % c, "linear",
                    lambda c=c: on_text(TfidfVectorizer(min_df=2, ngram_range=(1, 2), sublinear_tf=True),
                                        linear_model.LogisticRegression(C=c, max_iter=2000))))
    out.append(("tfidf_chars_logistic_C3", "linear",
                lambda: on_text(TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), min_df=3, sublinear_tf=True),
                                linear_model.LogisticRegression(C=3, max_iter=2000))))
    for a in (0.1, 1):
        out.append(("counts_multinomial_nb_alpha%g" % a, "bayes",
                    lambda a=a: on_text(CountVectorizer(min_df=2), naive_bayes.MultinomialNB(alpha=a))))
    out.append(("counts_bernoulli_nb", "bayes", lambda: on_text(CountVectorizer(min_df=2, binary=True), naive_bayes.BernoulliNB())))
    for s in (0, 1):
        out.append(("tfidf_sgd_huber_seed%d" % s, "linear",
                    lambda s=s: on_text(TfidfVectorizer(min_df=2), linear_model.SGDClassifier(loss="modified_huber", random_state=s))))
    return out


# Forecasters take (history values, horizon, season) and return the forecast.


def forecasters(season, positive):
    import statsmodels.api as sm
    from statsmodels.tsa.ar_model import AutoReg
    from statsmodels.tsa.holtwinters import ExponentialSmoothing, SimpleExpSmoothing

    def const(v, h):
        return np.full(h, float(v))

    def seasonal_naive(y, h, drift=False):
        base = np.array([y[len(y) - season + (i % season)] for i in range(h)])
        if drift:
            slope = (y[-1] - y[-1 - season]) / season if len(y) > season else 0.0
            steps = np.array([(i // season + 1) * season for i in range(h)])
            base = base + slope * steps
        return base

    def trend(y, h, window, degree=1, seasonal=False, log=False):
        yy = np.log(y) if log else y
        n = len(yy)
        start = max(0, n - window) if window else 0
        t = np.arange(n + h, dtype=float)
        cols = [t ** d for d in range(degree + 1)]
        if seasonal:
            m = t.astype(int) % season
            cols += [(m == k).astype(float) for k in range(1, season)]
        X = np.column_stack(cols)
        coef, *_ = np.linalg.lstsq(X[start:n], yy[start:], rcond=None)
        f = X[n:] @ coef
        return np.exp(f) if log else f

    def hw(y, h, trend_kind, seasonal_kind, damped=False):
        m = ExponentialSmoothing(y, trend=trend_kind, seasonal=seasonal_kind, seasonal_periods=season if seasonal_kind else None,
                                 damped_trend=damped, initialization_method="estimated").fit()
        return m.forecast(h)

    def ses(y, h, alpha):
        return SimpleExpSmoothing(y, initialization_method="known", initial_level=y[0]).fit(smoothing_level=alpha, optimized=False).forecast(h)

    def sarima(y, h, order, sorder, log=False):
        yy = np.log(y) if log else y
        m = sm.tsa.SARIMAX(yy, order=order, seasonal_order=sorder + (season,)).fit(disp=False)
        f = m.forecast(h)
        return np.exp(f) if log else f

    def ar(y, h, p):
        return AutoReg(y, lags=p, trend="c").fit().predict(start=len(y), end=len(y) + h - 1)

    out = [("train_mean", "baseline", lambda y, h: const(np.mean(y), h)),
           ("train_median", "baseline", lambda y, h: const(np.median(y), h)),
           ("naive_last_value", "baseline", lambda y, h: const(y[-1], h))]
    for k in (3, 6, season, 2 * season):
        out.append(("mean_last%d" % k, "baseline", lambda y, h, k=k: const(np.mean(y[-k:]), h)))
    out.append(("drift", "baseline", lambda y, h: y[-1] + (y[-1] - y[0]) / (len(y) - 1) * np.arange(1, h + 1)))
    out.append(("seasonal_naive", "seasonal", lambda y, h: seasonal_naive(y, h)))
    out.append(("seasonal_naive_drift", "seasonal", lambda y, h: seasonal_naive(y, h, drift=True)))
    for w in (None, 4 * season):
        tag = "all" if w is None else "last%d" % w
        out.append(("linear_trend_%s" % tag, "regression", lambda y, h, w=w: trend(y, h, w)))
        out.append(("linear_trend_season_%s" % tag, "regression", lambda y, h, w=w: trend(y, h, w, seasonal=True)))
    if positive:  # log and multiplicative models need a positive series
        out.append(("log_linear_trend_season", "regression", lambda y, h: trend(y, h, None, seasonal=True, log=True)))
        out.append(("log_quadratic_trend_season", "regression", lambda y, h: trend(y, h, None, degree=2, seasonal=True, log=True)))
    for a in (0.2, 0.8):
        out.append(("simple_exp_smoothing_alpha%g" % a, "smoothing", lambda y, h, a=a: ses(y, h, a)))
    out.append(("holt_linear", "smoothing", lambda y, h: hw(y, h, "add", None)))
    out.append(("holt_winters_additive", "smoothing", lambda y, h: hw(y, h, "add", "add")))
    out.append(("holt_winters_additive_damped", "smoothing", lambda y, h: hw(y, h, "add", "add", damped=True)))
    if positive:
        out.append(("holt_winters_multiplicative", "smoothing", lambda y, h: hw(y, h, "add", "mul")))
    out.append(("sarima_011_011", "arima", lambda y, h: sarima(y, h, (0, 1, 1), (0, 1, 1))))
    if positive:
        out.append(("log_sarima_011_011", "arima", lambda y, h: sarima(y, h, (0, 1, 1), (0, 1, 1), log=True)))
    out.append(("sarima_111_010", "arima", lambda y, h: sarima(y, h, (1, 1, 1), (0, 1, 0))))
    for p in (1, 2, 3, 6, 9, season):
        out.append(("autoreg_p%d" % p, "arima", lambda y, h, p=p: ar(y, h, p)))
    return out
