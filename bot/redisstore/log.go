package redisstore

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/redis/go-redis/v9"
)

// SetLogger sends go-redis's own messages (failed dials while Redis is down,
// pool warnings) to log at debug level instead of standard error. go-redis
// has one logger per process, so this is process-wide; the Store reports
// outages itself as EUnavailable errors, which callers log once.
func SetLogger(log *slog.Logger) {
	redis.SetLogger(slogAdapter{log})
}

type slogAdapter struct{ log *slog.Logger }

func (a slogAdapter) Printf(ctx context.Context, format string, v ...any) {
	a.log.DebugContext(ctx, "go-redis", "detail", fmt.Sprintf(format, v...))
}
