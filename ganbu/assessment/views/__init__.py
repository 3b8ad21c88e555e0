"""The pages of 综合考核: schemes, cycles, entering figures, a unit's 目标责任书 and results."""
