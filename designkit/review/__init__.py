"""Fitting scores into review workflows: trends against a baseline, known-findings files,
the old version of a design from git, ``designkit explain`` texts and configuration files."""
