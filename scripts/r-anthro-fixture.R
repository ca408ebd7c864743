# Scores the 4,000 observations of test/growth/fixtures/r-zscores.csv (written by r-zscore-fixture.R, our
# reading of anthro's rules in R) with WHO's own R package anthro (GitHub WorldHealthOrganization/anthro,
# the copy in ../shared/who-r), anthro_zscores(); stops unless anthro gives the same clenhei, 2-decimal z,
# flags and c9mo_flag on every row, then rewrites the fixture from anthro's values, saying so in its first
# line. So the fixture test/growth/zscore-r.test.ts checks is WHO anthro's own output.
# anthro is a test oracle only (GPL-3, never part of the product). Install it into a scratch library
# (Debian r-base-core and r-cran-survey), then from the repository root, after r-zscore-fixture.R:
#   R CMD INSTALL -l /tmp/rlib ../shared/who-r/anthro
#   R_LIBS=/tmp/rlib Rscript scripts/r-anthro-fixture.R
suppressMessages(library(anthro))
path <- "test/growth/fixtures/r-zscores.csv"
x <- read.csv(path, comment.char = "#", colClasses = c(measure = "character", oedema = "character"))
out <- anthro_zscores(
  sex = x$sex, age = x$age_days, is_age_in_month = FALSE, weight = x$weight_kg, lenhei = x$lenhei_cm,
  measure = ifelse(is.na(x$measure) | x$measure == "", NA, x$measure), oedema = x$oedema, headc = x$headc_cm
)
columns <- c("clenhei", "zlen", "zwei", "zwfl", "zbmi", "zhc", "flen", "fwei", "fwfl", "fbmi", "fhc", "c9mo_flag")
for (column in columns) {
  same <- (is.na(out[[column]]) & is.na(x[[column]])) | (!is.na(out[[column]]) & out[[column]] == x[[column]])
  if (!all(same)) stop(sprintf("%s: anthro differs on %d rows, first row %d", column, sum(!same), which(!same)[1]))
}
num <- function(v, format = "%.15g") ifelse(is.na(v), "", sprintf(format, v))
rows <- paste(
  x$sex, num(x$age_days), num(x$weight_kg), num(x$lenhei_cm), ifelse(is.na(x$measure), "", x$measure),
  x$oedema, num(x$headc_cm), num(out$clenhei, "%.17g"), num(out$zlen), num(out$zwei), num(out$zwfl),
  num(out$zbmi), num(out$zhc), num(out$flen), num(out$fwei), num(out$fwfl), num(out$fbmi), num(out$fhc),
  num(out$c9mo_flag),
  sep = ","
)
file <- file(path, "w")
writeLines(sprintf(
  "# %s, WHO anthro %s anthro_zscores() (equal on every row to scripts/r-zscore-fixture.R on anthro 1.1.0's tables)",
  R.version.string, as.character(packageVersion("anthro"))
), file)
writeLines(paste(names(x), collapse = ","), file)
writeLines(rows, file)
close(file)
