// Placeholder until the generator moves here.
