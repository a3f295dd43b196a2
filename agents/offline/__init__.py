"""The offline model: a deterministic router from natural phrasing to tool calls."""
