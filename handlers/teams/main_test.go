package teams_test

import (
	"io"
	"log"
	"testing"

	"github.com/waymarkhq/waymark/internal/redistest"
)

func TestMain(m *testing.M) {
	// The local TLS servers (OpenID, JWKS, token, Connector) log a "TLS
	// handshake error" for every keep-alive connection cut when a test
	// closes them; nothing else in the package writes to the standard
	// logger, and the adapter logs through slog.
	log.SetOutput(io.Discard)
	redistest.Main(m)
}
