Route #1: 3 4
Route #2: 5
Route #3: 2 1 6
Cost 327
