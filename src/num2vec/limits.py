"""Resource guards on what one call reads: plain constants, importable without PyTorch."""

#: the most digits a number may have: a number's tokens, and the work on it, grow with its digits; 4,000 also stays
#: below Python's own limit on int <-> str conversion (4,300 digits by default)
MAX_DIGITS = 4_000
#: the fewest terms a sequence needs before the model predicts its next term
MIN_TERMS = 2
#: the most terms a sequence given to the model may have (the nested RNN reads all of them)
MAX_TERMS = 1000
#: the most terms one continuation predicts: each step re-reads the whole sequence so far (the nested RNN
#: has no fixed window), so a continuation costs time quadratic in its length -- on one core of an AMD EPYC
#: (Zen 3), the bundled model takes about 0.45 s per step at 1,000 terms, so 100 steps stay under a minute
MAX_CONTINUE = 100
