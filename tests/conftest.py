"""Test-session setup shared by the whole suite."""

# OR-Tools' HiGHS backend segfaults in a process that imported PuLP (and its
# highspy) first (ortools 9.15, pulp 3.3.2; see optimizer.siting.mip). Tests of
# both libraries share worker processes, so load OR-Tools' solver first.
import ortools.linear_solver.pywraplp  # noqa: F401
