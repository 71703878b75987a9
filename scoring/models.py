"""Tables of the scoring room (students, administrations, answer uploads, scores: the loop issue).

Schools are tables of the centre (:mod:`itembank.schools`): accounts are bound to them.
"""
