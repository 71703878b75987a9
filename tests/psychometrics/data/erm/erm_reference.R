# eRm's documented examples (help pages RM, PCM, RSM, LRtest, Waldtest, person.parameter,
# itemfit.ppar, thresholds), run on eRm's own data sets, written as the oracle of
# tests/psychometrics/test_rasch_erm.py.
#
#   cd tests/psychometrics/data/erm && Rscript erm_reference.R
#
# Writes: raschdat1.csv, raschdat2.csv, pcmdat.csv, rsmdat.csv (the data, persons x items, NA empty),
# splits.csv (the random splits of the LRtest / Waldtest examples, drawn here with set.seed),
# erm_reference.csv (example, quantity, label, value) and provenance.txt (R and eRm versions).
suppressPackageStartupMessages(library(eRm))

out <- list()
put <- function(example, quantity, values, labels = names(values)) {
  if (is.null(labels)) labels <- as.character(seq_along(values))
  out[[length(out) + 1]] <<- data.frame(example = example, quantity = quantity, label = labels,
                                        value = sprintf("%.12g", as.numeric(values)))
}
save_data <- function(x, name) write.csv(x, paste0(name, ".csv"), row.names = FALSE, na = "")

persons <- function(example, pp, X) {
  th <- coef(pp)                                    # every person, extremes by eRm's interpolation
  put(example, "theta", th, names(th))
  se <- unlist(pp$se.theta, use.names = FALSE)      # persons without extreme scores
  names(se) <- unlist(lapply(pp$se.theta, names))
  put(example, "theta_se", se, names(se))
  fit <- itemfit(pp)
  put(example, "item_outfit_msq", fit$i.outfitMSQ); put(example, "item_infit_msq", fit$i.infitMSQ)
  put(example, "item_outfit_z", fit$i.outfitZ); put(example, "item_infit_z", fit$i.infitZ)
  put(example, "item_chisq", fit$i.fit); put(example, "item_df", fit$i.df)
  pf <- personfit(pp)
  put(example, "person_outfit_msq", pf$p.outfitMSQ); put(example, "person_infit_msq", pf$p.infitMSQ)
  put(example, "person_outfit_z", pf$p.outfitZ); put(example, "person_infit_z", pf$p.infitZ)
}

items <- function(example, res) {
  put(example, "betapar", res$betapar); put(example, "se_beta", res$se.beta, names(res$betapar))
  put(example, "etapar", res$etapar); put(example, "se_eta", res$se.eta, names(res$etapar))
  put(example, "loglik", res$loglik, "loglik"); put(example, "npar", res$npar, "npar")
}

thresh <- function(example, res) {
  th <- thresholds(res)
  tab <- th$threshtable[[1]]
  for (k in seq_len(ncol(tab))) put(example, paste0("threshtable_", colnames(tab)[k]), tab[, k], rownames(tab))
  put(example, "se_thresh", th$se.thresh)
}

# RM.Rd: Rasch model with sum-0 restriction; Rasch model with missing values
save_data(raschdat1, "raschdat1")
res1 <- RM(raschdat1)
items("RM(raschdat1)", res1)
persons("RM(raschdat1)", person.parameter(res1), raschdat1)

save_data(raschdat2, "raschdat2")
res2 <- RM(raschdat2)
items("RM(raschdat2)", res2)
persons("RM(raschdat2)", person.parameter(res2), raschdat2)

# LRtest.Rd: user-defined split (sample(1:2, 100)), and the mean split; also the default median split
set.seed(1)
split1 <- sample(1:2, 100, replace = TRUE)
set.seed(2)
split2 <- sample(1:2, 25, replace = TRUE)
write.csv(data.frame(example = c(rep("raschdat1", 100), rep("raschdat2", 25)), split = c(split1, split2)),
          "splits.csv", row.names = FALSE)
for (cr in list(list("splitvec", split1), list("mean", "mean"), list("median", "median"))) {
  lr <- LRtest(res1, splitcr = cr[[2]], se = TRUE)
  ex <- paste0("LRtest(RM(raschdat1), ", cr[[1]], ")")
  put(ex, "LR", lr$LR, "LR"); put(ex, "df", lr$df, "df"); put(ex, "pvalue", lr$pvalue, "pvalue")
  for (g in seq_along(lr$betalist)) {
    put(ex, paste0("betalist_", g), lr$betalist[[g]])
    put(ex, paste0("selist_", g), lr$selist[[g]], names(lr$betalist[[g]]))
  }
}

# Waldtest.Rd: RM(raschdat2) with a user-defined split; RM(raschdat1) with the default median split
for (cr in list(list("RM(raschdat2)", res2, split2), list("RM(raschdat1)", res1, "median"))) {
  w <- Waldtest(cr[[2]], splitcr = cr[[3]])
  ex <- paste0("Waldtest(", cr[[1]], ", ", if (is.character(cr[[3]])) cr[[3]] else "splitvec", ")")
  put(ex, "z", w$coef.table[, 1], rownames(w$coef.table))
  put(ex, "p", w$coef.table[, 2], rownames(w$coef.table))
}

# PCM.Rd and thresholds.Rd: PCM(pcmdat)
save_data(pcmdat, "pcmdat")
res3 <- PCM(pcmdat)
items("PCM(pcmdat)", res3)
thresh("PCM(pcmdat)", res3)
persons("PCM(pcmdat)", person.parameter(res3), pcmdat)

# RSM.Rd, thresholds.Rd and person.parameter.Rd: RSM(rsmdat)
save_data(rsmdat, "rsmdat")
res4 <- RSM(rsmdat)
items("RSM(rsmdat)", res4)
thresh("RSM(rsmdat)", res4)
persons("RSM(rsmdat)", person.parameter(res4), rsmdat)

write.csv(do.call(rbind, out), "erm_reference.csv", row.names = FALSE)
writeLines(c(paste("eRm", as.character(packageVersion("eRm"))), R.version.string,
             paste("platform", R.version$platform),
             "source: Debian bookworm package r-cran-erm; examples from eRm's Rd help pages"),
           "provenance.txt")
