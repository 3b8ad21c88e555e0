"""Reads of structure analysis. Split by subject: `state` (a cadre's position on a date, in SQL),
`structure` (the seed-001 table), `comparison` (two dates), `composition` (班子结构体检), `forecast` (到龄预测)."""
