"""Property-based tests of bad input (issue 13); a package so that its test files may share names with tests/."""
