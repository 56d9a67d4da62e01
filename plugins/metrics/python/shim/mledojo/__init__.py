"""Dojo's stand-in for the MLE-Dojo package: just enough for competition metric files to import."""
