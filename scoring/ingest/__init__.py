"""Reading the files people bring to scoring: answer files, keys, response matrices, item parameters.

One module per kind of file. Every file is decoded by the one policy of :mod:`itembank.decoding`
(UTF-8 with or without BOM, UTF-16, cp874 with the Thai plausibility check); every refusal is a
:class:`~scoring.errors.ScoringError` naming the file, row (as a spreadsheet shows it, header = 1)
and column. These modules import numpy and the root error type only, so a command reading one
file starts fast.
"""
