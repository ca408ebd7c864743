# Writes test/growth/fixtures/r-anthroplus.csv: WHO Reference 2007 z-scores computed by WHO's own R
# package anthroplus (GitHub WorldHealthOrganization/anthroplus, the copy in ../shared/who-r), for the
# 2007 core to match row by row (test/growth/anthroplus-r.test.ts): z rounded to 2 decimals and the flags
# as anthroplus_zscores() returns them, and the unrounded z (its internal zscore_* functions) to 6 decimals.
#
# anthroplus is a test oracle only (GPL-3, never part of the product). Install it, with anthro, into a
# scratch library with Debian's r-base-core and r-cran-survey, then run from the repository root:
#   R CMD INSTALL -l /tmp/rlib ../shared/who-r/anthro && R CMD INSTALL -l /tmp/rlib ../shared/who-r/anthroplus
#   R_LIBS=/tmp/rlib Rscript scripts/r-anthroplus-fixture.R
# Seeded: the same R gives the same file.
suppressMessages(library(anthroplus))
set.seed(20070901)

hfa <- anthroplus:::hfa_growth_standards
wfa <- anthroplus:::wfa_growth_standards
lms_at <- function(table, s, month) table[table$sex == s & table$age == month, ]
value_at <- function(table, s, age, z) {
  r <- lms_at(table, s, floor(age))
  r$m * (1 + r$l * r$s * z)^(1 / r$l)
}

# Ages: random decimal months (4 decimals, as survey software keeps them), whole months, and both ends
# of each range with values just inside and just outside.
n_random <- 2400
age <- round(runif(n_random, 60, 228), 4)
age <- c(age, sample(60:228, 400, replace = TRUE))
ends <- c(60, 60.0001, 60.5, 119.5, 119.9999, 120, 120.0001, 120.5, 227.5, 227.9999, 228)
age <- c(age, rep(ends, each = 8))
outside <- c(59.9999, 59.5, 228.0001, 228.5, 240)
age <- c(age, rep(outside, each = 4))
n <- length(age)
sex <- sample(1:2, n, replace = TRUE)
age[sample(n, 20)] <- NA # no age: no z at all

# Height around the reference (z ~ N(-0.5, 1.2)), 3 % past the flags; 0.1 cm as measured.
z_height <- rnorm(n, -0.5, 1.2)
far <- runif(n) < 0.03
z_height[far] <- sample(c(-7, 7), sum(far), replace = TRUE) + rnorm(sum(far), 0, 0.7)
height <- sapply(seq_len(n), function(i) {
  a <- if (is.na(age[i])) 100 else min(max(age[i], 60), 228)
  round(value_at(hfa, sex[i], a, z_height[i]), 1)
})
# Weight from a BMI around the reference (z ~ N(0.2, 1.3)), 4 % far out; 10 g as weighed.
bfa <- anthroplus:::bfa_growth_standards
z_bmi <- rnorm(n, 0.2, 1.3)
far <- runif(n) < 0.04
z_bmi[far] <- sample(c(-6.5, 6.5), sum(far), replace = TRUE) + rnorm(sum(far), 0, 1)
bmi_at <- function(s, a, z) {
  r <- lms_at(bfa, s, floor(a))
  # Linear beyond +-3 SD as the restricted z is, so that far values stay positive.
  sd <- function(k) r$m * (1 + r$l * r$s * k)^(1 / r$l)
  if (z > 3) return(sd(3) + (z - 3) * (sd(3) - sd(2)))
  if (z < -3) return(sd(-3) + (z + 3) * (sd(-2) - sd(-3)))
  sd(z)
}
weight <- sapply(seq_len(n), function(i) {
  a <- if (is.na(age[i])) 100 else min(max(age[i], 60), 228)
  round(max(bmi_at(sex[i], a, z_bmi[i]), 6) * (height[i] / 100)^2, 2)
})
height[sample(n, 60)] <- NA
weight[sample(n, 60)] <- NA
oedema <- ifelse(runif(n) < 0.03, "y", "n")

out <- anthroplus_zscores(
  sex = sex, age_in_months = age, oedema = oedema,
  height_in_cm = height, weight_in_kg = weight
)
coedema <- out$coedema
raw_hfa <- anthroplus:::zscore_height_for_age(sex, age, height)
raw_wfa <- anthroplus:::zscore_weight_for_age(sex, age, coedema, weight)
raw_bfa <- anthroplus:::zscore_bmi_for_age(sex, age, coedema, out$cbmi)
stopifnot(isTRUE(all.equal(round(raw_hfa, 2), out$zhfa)), isTRUE(all.equal(round(raw_bfa, 2), out$zbfa)))

num <- function(v, format = "%.15g") ifelse(is.na(v), "", sprintf(format, v))
table <- data.frame(
  sex = sex, age_months = num(age), height_cm = num(height), weight_kg = num(weight), oedema = oedema,
  zhfa = num(out$zhfa), zwfa = num(out$zwfa), zbfa = num(out$zbfa),
  fhfa = num(out$fhfa), fwfa = num(out$fwfa), fbfa = num(out$fbfa),
  zhfa6 = num(raw_hfa, "%.6f"), zwfa6 = num(raw_wfa, "%.6f"), zbfa6 = num(raw_bfa, "%.6f")
)
file <- file("test/growth/fixtures/r-anthroplus.csv", "w")
writeLines(sprintf(
  "# %s, WHO anthroplus %s (anthroplus_zscores; z6 = unrounded z to 6 decimals)",
  R.version.string, as.character(packageVersion("anthroplus"))
), file)
write.csv(table, file, row.names = FALSE, quote = FALSE)
close(file)
