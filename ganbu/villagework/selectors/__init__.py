"""Reads for 驻村工作. `scope` holds the querysets every view starts from."""
