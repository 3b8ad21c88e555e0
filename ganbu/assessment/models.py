"""The tables of 综合考核 (schemes as versioned data, targets, cycles, results) come with the cycle
(issue 14, items 1 and 3–5). Until then the app has no model; this module exists so the import
contract that keeps other apps away from `ganbu.assessment.models` (pyproject.toml) has its module."""
