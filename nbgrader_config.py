# nbgrader configuration for the course notebooks. They run on the tslab kernel, whose language is "typescript",
# and nbgrader's ClearSolutions only knows stubs for python, matlab, octave, sas and java: without this file
# `nbgrader generate_assignment` stops with "language 'typescript' has not been specified in
# ClearSolutions.code_stub". Solution regions are written as `// BEGIN SOLUTION` … `// END SOLUTION` in the
# notebooks (nbgrader matches the delimiter text inside any comment).
c = get_config()  # noqa: F821 (provided by nbgrader/traitlets when the file is loaded)

c.ClearSolutions.code_stub = {
    "typescript": '// YOUR CODE HERE\nthrow new Error("not implemented");',
    "python": "# YOUR CODE HERE\nraise NotImplementedError()",
}
c.ClearSolutions.begin_solution_delimeter = "BEGIN SOLUTION"
c.ClearSolutions.end_solution_delimeter = "END SOLUTION"
