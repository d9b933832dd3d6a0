Route #1: 8 3 12 117
Route #2: 111 146 128
Route #3: 46 47 23
Route #4: 49 145 66 13 36 33 96
Route #5: 98 67 61 14
Route #6: 56 30
Route #7: 51 60 4
Route #8: 99
Route #9: 26 130 57
Route #10: 62 109 77 127
Route #11: 20 80 119 48 52
Route #12: 85 110 137
Route #13: 18 75
Route #14: 142 70 112 17
Route #15: 71 5 28
Route #16: 25 29 69 38
Route #17: 43 58 72
Route #18: 89 39
Route #19: 131 144 65
Route #20: 118 107
Route #21: 35 113
Route #22: 147 141 133 19
Route #23: 100 115 135 31
Route #24: 11 63 24 9 50 45
Route #25: 15 90 116
Route #26: 129 10 54 68
Route #27: 78 41 94
Route #28: 88 44
Route #29: 2 122 86
Route #30: 34 139
Route #31: 143 76 83
Route #32: 7 81 120
Route #33: 114 102 138 64
Route #34: 16 74 108
Route #35: 40 105
Route #36: 21 93
Route #37: 82 32 104
Route #38: 84 134 42
Route #39: 123 91 79 92
Route #40: 140 121 124
Route #41: 73 53 126
Route #42: 1 59
Route #43: 106 136
Route #44: 101 103 6 125 37
Route #45: 22 55 27
Route #46: 132 97
Route #47: 95 87
Cost: 43448
