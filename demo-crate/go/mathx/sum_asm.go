//go:build amd64 || arm64

package mathx

//go:noescape
func sumSquares(n int64) int64
