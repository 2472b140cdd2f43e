// Package sample embeds Waymark's default corpus: Wyvern Vale, a fictional
// council written for this repository. Every person, team, phone number
// (01632 961xxx, the Ofcom drama range) and address in it is invented.
package sample

import (
	"embed"
	"io/fs"
)

//go:embed all:corpus
var files embed.FS

// FS returns the sample corpus, rooted at its top folder.
func FS() fs.FS {
	sub, err := fs.Sub(files, "corpus")
	if err != nil {
		panic(err) // the folder is embedded at build time
	}
	return sub
}
