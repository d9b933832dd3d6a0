Route #1: 56 26 48 47 38
Route #2: 39 10 18
Route #3: 80 3 94
Route #4: 81 51 83
Route #5: 93 75
Route #6: 27 97 19
Route #7: 20 41 22 15
Route #8: 25 65 78 42 28
Route #9: 57 72 37 6 49
Route #10: 4 13 74
Route #11: 66 9 70
Route #12: 50 91 52
Route #13: 40 60 59 96
Route #14: 63 14 77 44
Route #15: 89 98 99 62 71
Route #16: 5 12 58
Route #17: 7 2 45 43 29 36 87 64 34
Route #18: 32 33 53 73 95 24
Route #19: 100 61 23
Route #20: 84 90 92 1
Route #21: 76 55 16 69
Route #22: 82 67 88
Route #23: 30 85 11 79
Route #24: 21 8 17
Route #25: 86 54 68
Route #26: 31 46 35
Cost: 27741
