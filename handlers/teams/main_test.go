package teams_test

import (
	"testing"

	"github.com/waymarkhq/waymark/internal/redistest"
)

func TestMain(m *testing.M) { redistest.Main(m) }
