"""The analysis area: item analysis (CTT) and IRT calibration and scoring of files, as commands.

Pages and API routes of the area come here too; the work itself is done by services of
:mod:`scoring` (``scoring.item_analysis``, ``scoring.calibration``, ``scoring.abilities``).
"""
