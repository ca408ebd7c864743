# Writes test/growth/fixtures/r-round.csv: R's own round(x, digits) for values chosen to be hard, so that
# the growth core's roundTo (gateway/growth/round.ts), which WHO anthro's round(z, 2) depends on, is
# checked against R itself. Run from the repository root: Rscript scripts/r-round-fixture.R
# (Debian: apt-get install r-base-core). Seeded: the same R gives the same file.
set.seed(20061128)
cases <- function(digits, n, range) {
  step <- 10^-digits
  whole <- sample(seq(-range / step, range / step), n, replace = TRUE)
  ties <- (whole + 0.5) * step
  near <- ties * (1 + sample(c(-8:-1, 1:8), n, replace = TRUE) * .Machine$double.eps)
  random <- runif(n, -range, range)
  small <- runif(n %/% 4, -step, step)
  data.frame(digits = digits, x = c(ties, near, random, small))
}
special <- data.frame(digits = 2, x = c(0, 9.795, 2.675, 1.005, 0.125, -0.125, 0.375, -0.001, 0.005, -0.005))
all <- rbind(special, cases(2, 1000, 25), do.call(rbind, lapply(c(0, 1, 3, 4, 6), cases, n = 100, range = 25)))
all$rounded <- round(all$x, all$digits)
out <- file("test/growth/fixtures/r-round.csv", "w")
writeLines(sprintf("# %s: round(x, digits); x and rounded printed with 17 significant digits (exact)", R.version.string), out)
writeLines("digits,x,rounded", out)
writeLines(sprintf("%d,%.17g,%.17g", as.integer(all$digits), all$x, all$rounded), out)
close(out)
