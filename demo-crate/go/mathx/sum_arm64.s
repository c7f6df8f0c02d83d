#include "textflag.h"

// func sumSquares(n int64) int64
TEXT ·sumSquares(SB), NOSPLIT, $0-16
	MOVD n+0(FP), R0
	MOVD $0, R1
loop:
	CMP $0, R0
	BLE done
	MUL R0, R0, R2
	ADD R2, R1, R1
	SUB $1, R0, R0
	B loop
done:
	MOVD R1, ret+8(FP)
	RET
