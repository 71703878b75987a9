# Reference numbers on the verbal aggression data, written to reference.csv (example, quantity, item, value).
#
#  * psych::alpha (Debian r-cran-psych) on the 0/1/2 scores: α, standardised α, G6, mean inter-item r,
#    and per item raw.r, r.drop, mean, sd, α if dropped.
#  * difR 5.1's own functions on its documented difMH / difLogistic examples (man/difMH.rd,
#    man/difLogistic.rd: verbal without Anger, group = "Gender", focal.name = 1).  difR is not packaged
#    for Debian; its R code is sourced from a copy of the CRAN sources given as the first argument
#    (R/mantelHaenszel.R and R/difMH.r @ 0e239d5e362f28c66ea172034ca216a113748a6e, R/Logistik.R @
#    7c88199b16733f3fd7515cb2eff0525ec3fb8383 of repository cran/difR; difMH's asymptotic branch).
#
# Run: Rscript reference.R /path/to/difR_5.1_sources.R
args <- commandArgs(trailingOnly = TRUE)
suppressMessages(library(psych))
out <- list()
put <- function(example, quantity, values, items = NULL) {
  if (is.null(items)) items <- if (length(values) == 1) "" else seq_along(values)
  out[[length(out) + 1]] <<- data.frame(example = example, quantity = quantity, item = items,
                                        value = sprintf("%.12g", as.numeric(values)))
}

poly <- as.matrix(read.csv("verbagg_polytomous.csv"))
a <- psych::alpha(poly)
put("psych::alpha(verbagg_polytomous)", "raw_alpha", a$total$raw_alpha)
put("psych::alpha(verbagg_polytomous)", "std.alpha", a$total$std.alpha)
put("psych::alpha(verbagg_polytomous)", "average_r", a$total$average_r)
put("psych::alpha(verbagg_polytomous)", "total_mean", a$total$mean)
put("psych::alpha(verbagg_polytomous)", "total_sd", a$total$sd)
put("psych::alpha(verbagg_polytomous)", "raw.r", a$item.stats$raw.r)
put("psych::alpha(verbagg_polytomous)", "r.drop", a$item.stats$r.drop)
put("psych::alpha(verbagg_polytomous)", "mean", a$item.stats$mean)
put("psych::alpha(verbagg_polytomous)", "sd", a$item.stats$sd)
put("psych::alpha(verbagg_polytomous)", "alpha_if_dropped", a$alpha.drop$raw_alpha)
r <- cor(poly)
put("psych::alpha(verbagg_polytomous)", "inter_item_r_sd", sd(r[lower.tri(r)]))

if (length(args) >= 1) {
  source(args[1])
  verbal <- read.csv("verbal.csv")
  verbal <- verbal[colnames(verbal) != "Anger"]
  DATA <- as.matrix(verbal[, 1:24])
  Group <- as.integer(verbal$Gender == 1)
  examples <- list(
    "difMH(verbal, 'Gender', 1)" = list(),
    "difMH(verbal, 'Gender', 1, purify = TRUE)" = list(purify = TRUE),
    "difMH(verbal, 'Gender', 1, purify = TRUE, nrIter = 5)" = list(purify = TRUE, nrIter = 5),
    "difMH(verbal, 'Gender', 1, alpha = 0.01, correct = FALSE)" = list(alpha = 0.01, correct = FALSE),
    "difMH(verbal, 25, 1, MHstat = 'logOR')" = list(MHstat = "logOR"),
    "difMH(verbal, 25, 1, MHstat = 'logOR', purify = TRUE)" = list(MHstat = "logOR", purify = TRUE)
  )
  for (name in names(examples)) {
    res <- do.call(difMH_asymptotic, c(list(DATA = DATA, Group = Group), examples[[name]]))
    put(name, "stat", res$MH)
    put(name, "alphaMH", res$alphaMH)
    put(name, "varLambda", res$varLambda)
    put(name, "DIFitems", if (is.character(res$DIFitems)) NA else res$DIFitems, "")
    put(name, "nrPur", res$nrPur)
    put(name, "convergence", as.integer(res$convergence))
  }
  for (type in c("both", "udif", "nudif")) {
    res <- Logistik(DATA, Group, type = type, criterion = "LRT")
    name <- sprintf("difLogistic(verbal, 'Gender', 1, type = '%s')", type)
    put(name, "stat", res$stat)
    put(name, "deltaR2", res$deltaR2)
  }
}
write.csv(do.call(rbind, out), "reference.csv", row.names = FALSE)
writeLines(c(R.version.string, paste("psych", packageVersion("psych")), paste("lme4", packageVersion("lme4"))),
           "provenance.txt")
