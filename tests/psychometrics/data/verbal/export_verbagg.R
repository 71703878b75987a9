# The verbal aggression data (De Boeck & Wilson 2004) as lme4 ships it (VerbAgg, Debian r-cran-lme4),
# written wide: one row per person, items in the order of difR's `verbal` (S1WantCurse … S4DoShout).
#   verbagg_polytomous.csv: resp no/perhaps/yes as 0/1/2 (dexter's verbAggrData scoring)
#   verbal.csv:             r2 N/Y as 0/1, then Anger and Gender (1 = male), = difR's data/verbal.txt
# Run: Rscript export_verbagg.R
suppressMessages(library(lme4))
data(VerbAgg)
items <- levels(VerbAgg$item)
wide <- function(values) {
  m <- matrix(NA_integer_, nlevels(VerbAgg$id), length(items), dimnames = list(NULL, items))
  m[cbind(as.integer(VerbAgg$id), as.integer(VerbAgg$item))] <- values
  m
}
poly <- wide(as.integer(VerbAgg$resp) - 1L)
dich <- wide(as.integer(VerbAgg$r2 == "Y"))
person <- VerbAgg[!duplicated(VerbAgg$id), ]
person <- person[order(as.integer(person$id)), ]
write.csv(poly, "verbagg_polytomous.csv", row.names = FALSE, quote = FALSE)
write.csv(cbind(dich, Anger = person$Anger, Gender = as.integer(person$Gender == "M")),
          "verbal.csv", row.names = FALSE, quote = FALSE)
