"""Question understanding: a message becomes asks, an ask a reading (entities, cues, answer type), a reading
an intent, and with the dialogue's earlier frames a frame whose slots an answerer can use."""
