"""Property-based tests of bad input (issue 13).

A package, so that its test files may share names with those in tests/.
"""
