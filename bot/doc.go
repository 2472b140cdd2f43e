// Package bot holds Waymark's domain: the documents and contacts a council
// publishes, the searches practitioners run over them, the screening every
// question receives, and the errors the rest of the program reports.
//
// Arrows point inward: the knowledge base, the storage adapters and the chat
// platform handlers import bot; bot imports none of them and only the standard
// library. Platform types never cross into this package.
package bot
