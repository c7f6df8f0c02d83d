#include "textflag.h"

// func sumSquares(n int64) int64
TEXT ·sumSquares(SB), NOSPLIT, $0-16
	MOVQ n+0(FP), CX
	XORQ AX, AX
loop:
	CMPQ CX, $0
	JLE done
	MOVQ CX, DX
	IMULQ DX, DX
	ADDQ DX, AX
	DECQ CX
	JMP loop
done:
	MOVQ AX, ret+8(FP)
	RET
