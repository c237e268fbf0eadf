"""Document -> model: pure functions over the protocol document text; no JSON Schema here."""
