// Package mathx has a small function written in Go assembly where the
// architecture has an implementation, and in Go elsewhere.
package mathx

// SumSquares returns 1² + 2² + … + n².
func SumSquares(n int64) int64 {
	return sumSquares(n)
}
