"""Resource guards on what one call reads: plain constants, importable without PyTorch."""

#: the fewest terms a sequence needs before the model predicts its next term
MIN_TERMS = 2
#: the most terms a sequence given to the model may have (the nested RNN reads all of them)
MAX_TERMS = 1000
#: the most terms one continuation predicts (each step re-reads the whole sequence so far)
MAX_CONTINUE = 1000
