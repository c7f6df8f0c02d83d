//go:build !amd64 && !arm64

package mathx

func sumSquares(n int64) int64 {
	var s int64
	for i := int64(1); i <= n; i++ {
		s += i * i
	}
	return s
}
