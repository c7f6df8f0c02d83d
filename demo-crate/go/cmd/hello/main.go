// Command hello is the demo sidecar: go-link-build compiles it, the standard
// library included, without `go build`.
package main

import (
	"fmt"
	"os"
	"runtime"
	"strings"

	"example.com/demo/internal/greet"
	"example.com/demo/mathx"
	"example.org/boxdraw"
)

// version is set at link time with Build::ldflag_x("main.version", …).
var version = "dev"

func main() {
	who := "Rust"
	if len(os.Args) > 1 {
		who = strings.Join(os.Args[1:], " ")
	}
	fmt.Println(boxdraw.Frame(greet.Hello(who), "(framed by example.org/boxdraw, a vendored module)"))
	fmt.Printf("sum of squares 1..10 (Go assembly on amd64/arm64): %d\n", mathx.SumSquares(10))
	fmt.Printf("version %s, built for %s/%s by %s\n", version, runtime.GOOS, runtime.GOARCH, runtime.Version())
}
