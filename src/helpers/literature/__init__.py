"""The rapid literature review strand (notebook 01): search exports -> PRISMA 2020 flow -> evidence table.

Modules: ``parsers`` (export formats), ``searches`` (searches log, loading every export),
``dedup`` (duplicates), ``screening`` (screening log, agreement), ``prisma`` (flow counts and
diagram), ``extraction`` (included studies), ``demo`` (demonstration input), ``review`` (the
settings the notebook uses).
"""
