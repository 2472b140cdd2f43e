package web_test

import (
	"testing"

	"github.com/waymarkhq/waymark/internal/redistest"
)

// TestMain runs one redis-server for the package's tests; each test keeps
// its keys under redistest.Prefix.
func TestMain(m *testing.M) { redistest.Main(m) }
