# Writes test/growth/fixtures/r-zscores.csv: z-scores computed in R, with R's own `^`, round() and
# doubles, from WHO anthro 1.1.0's tables (../shared/who/anthro) and its rules as ../shared/who/METHOD.md
# states them (age round_up, 9-month rule, 0.7 cm, table choice, 0.1 cm interpolation with anthro's
# expressions, plain and restricted LMS, oedema, flags on the z rounded to 2 decimals). The growth
# core must give the same rounded z and flags for every row (test/growth/zscore-r.test.ts).
# Run from the repository root: Rscript scripts/r-zscore-fixture.R   (Debian: r-base-core). Seeded.
set.seed(20060427)
dir <- "../shared/who/anthro"
read <- function(name) read.delim(file.path(dir, name))
wei <- read("weianthro.txt"); len <- read("lenanthro.txt"); bmi <- read("bmianthro.txt")
hc <- read("hcanthro.txt"); wfl <- read("wflanthro.txt"); wfh <- read("wfhanthro.txt")

n <- 4000
sex <- sample(1:2, n, replace = TRUE)
age <- as.numeric(sample(0:1826, n, replace = TRUE))
age[sample(n, 200)] <- sample(0:1825, 200, replace = TRUE) + 0.5 # round_up: half up
age[sample(n, 200)] <- NA
measure <- sample(c("l", "h", NA), n, replace = TRUE, prob = c(0.45, 0.45, 0.1))
oedema <- ifelse(runif(n) < 0.03, "y", "n")
at <- function(table, s, a) table[table$sex == s & table$age == a, ]
lms_value <- function(z, l, m, s) m * (1 + l * s * z)^(1 / l)
draw <- function(table, digits, mean, sd) {
  sapply(seq_len(n), function(i) {
    a <- if (is.na(age[i])) 700 else floor(age[i])
    r <- at(table, sex[i], a)
    z <- rnorm(1, mean, sd)
    if (runif(1) < 0.03) z <- sample(c(-7, 7), 1) + rnorm(1)
    round(lms_value(z, r$l, r$m, r$s), digits)
  })
}
lenhei <- draw(len, 1, -0.9, 1.2)
weight <- draw(wei, 2, -0.7, 1.3)
headc <- draw(hc, 1, -0.2, 1.1)

round_up <- function(x) ifelse(x - floor(x) >= 0.5, floor(x) + 1, floor(x))
plain <- function(y, l, m, s) ((y / m)^l - 1) / (s * l)
restricted <- function(y, l, m, s) {
  z <- plain(y, l, m, s)
  if (z > 3) {
    sd3 <- lms_value(3, l, m, s)
    return(3 + (y - sd3) / (sd3 - lms_value(2, l, m, s)))
  }
  if (z < -3) {
    sd3 <- lms_value(-3, l, m, s)
    return(-3 + (y - sd3) / (lms_value(-2, l, m, s) - sd3))
  }
  z
}
by_age <- function(table, f, s, days, y) {
  if (is.na(days) || is.na(y)) return(NA)
  r <- at(table, s, days)
  f(y, r$l, r$m, r$s)
}
by_lenhei <- function(table, first, last, s, x, y) {
  if (x < first || x > last) return(NA)
  rows <- table[table$sex == s, ]
  key <- function(v) which(abs(rows[[2]] - v) < 1e-9) # length or height, in cm
  low <- trunc(x * 10) / 10
  up <- trunc(x * 10 + 1) / 10
  d <- (x - low) / 0.1
  lo <- rows[key(low), ]
  l <- lo$l; m <- lo$m; sv <- lo$s
  if (d > 0) {
    hi <- rows[key(up), ]
    if (nrow(hi) == 0) return(NA)
    l <- l + d * (hi$l - l); m <- m + d * (hi$m - m); sv <- sv + d * (hi$s - sv)
  }
  restricted(y, l, m, sv)
}
flag <- function(z, low, high) ifelse(is.na(z), NA, as.integer(round(z, 2) < low | round(z, 2) > high))
# Inputs and rounded z are short decimals (%.15g reads back as the same double); clenhei is exact.
num <- function(v, format = "%.15g") ifelse(is.na(v), "", sprintf(format, v))

rows <- lapply(seq_len(n), function(i) {
  days <- if (is.na(age[i])) NA else round_up(age[i])
  months <- if (is.na(age[i])) NA else age[i] / 30.4375
  m <- measure[i]
  c9mo <- 0
  if (!is.na(m) && m == "h" && !is.na(months) && months < 9) { m <- NA; c9mo <- 1 }
  x <- lenhei[i]
  if (!is.na(days) && !is.na(m)) {
    if (m == "h" && days < 731) x <- x + 0.7
    if (m == "l" && days >= 731) x <- x - 0.7
  }
  w <- if (oedema[i] == "y") NA else weight[i]
  zlen <- by_age(len, plain, sex[i], days, x)
  zhc <- by_age(hc, plain, sex[i], days, headc[i])
  zwei <- by_age(wei, restricted, sex[i], days, w)
  zbmi <- if (is.na(w)) NA else by_age(bmi, restricted, sex[i], days, w / (x / 100)^2)
  lying <- if (!is.na(days)) days < 731 else if (!is.na(m)) m == "l" else x < 87
  zwfl <- if (is.na(w)) NA else if (lying) by_lenhei(wfl, 45, 110, sex[i], x, w) else by_lenhei(wfh, 65, 120, sex[i], x, w)
  z <- c(zlen, zwei, zwfl, zbmi, zhc)
  f <- c(flag(zlen, -6, 6), flag(zwei, -6, 5), flag(zwfl, -5, 5), flag(zbmi, -5, 5), flag(zhc, -5, 5))
  paste(c(sex[i], num(age[i]), num(weight[i]), num(lenhei[i]), ifelse(is.na(measure[i]), "", measure[i]),
    oedema[i], num(headc[i]), num(x, "%.17g"), num(round(z, 2)), ifelse(is.na(f), "", f), c9mo), collapse = ",")
})
out <- file("test/growth/fixtures/r-zscores.csv", "w")
writeLines(sprintf("# %s, WHO anthro 1.1.0 tables; z rounded by R to 2 decimals", R.version.string), out)
writeLines("sex,age_days,weight_kg,lenhei_cm,measure,oedema,headc_cm,clenhei,zlen,zwei,zwfl,zbmi,zhc,flen,fwei,fwfl,fbmi,fhc,c9mo_flag", out)
writeLines(unlist(rows), out)
close(out)
