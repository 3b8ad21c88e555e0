"""Writes for 驻村工作, one module per area: config (settings), households, assignments, logs,
requests, evaluation. Each write validates (Chinese messages naming the field), checks scope, runs
in one transaction and records an audit event."""
