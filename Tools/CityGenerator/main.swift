print("grants-city: not yet")
