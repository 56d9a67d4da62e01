# Export one object of an R package's data set as CSV, for the starter-pack builder (build.py).
#   Rscript --vanilla export.R PACKAGE DATASET OBJECT OUT.csv
# Monthly and yearly time series become (date "YYYY-MM", value) and (year, value) tables; factors
# become their labels; missing values are empty fields.
args <- commandArgs(trailingOnly = TRUE)
pkg <- args[1]; dataset <- args[2]; object <- args[3]; out <- args[4]
if (!requireNamespace(pkg, quietly = TRUE)) stop(paste("R package", pkg, "is not installed"))
env <- new.env()
data(list = dataset, package = pkg, envir = env)
x <- get(object, envir = env)
if (is.ts(x)) {
  tt <- time(x); f <- frequency(x)
  yr <- floor(tt + 1e-9)
  if (f == 12) {
    mo <- round((tt - yr) * 12) + 1
    x <- data.frame(date = sprintf("%04d-%02d", as.integer(yr), as.integer(mo)), value = as.numeric(x))
  } else if (f == 1) {
    x <- data.frame(year = as.integer(yr), value = as.numeric(x))
  } else stop(paste("unsupported time series frequency", f))
}
x <- as.data.frame(x)
for (n in names(x)) if (is.factor(x[[n]])) x[[n]] <- as.character(x[[n]])
write.csv(x, out, row.names = FALSE, na = "", fileEncoding = "UTF-8")
