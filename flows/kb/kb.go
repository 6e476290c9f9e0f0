// Package kb holds the knowledge base and the flow texts: data files the desk edits without a
// rebuild. The files are embedded in the binary; a directory named by DESKBOT_KB is laid over
// them, so a file there replaces the embedded file of the same path and a new file adds to it.
package kb

import (
	"embed"
	"errors"
	"io/fs"
	"os"
	"slices"
	"strings"
)

//go:embed faq flows
var embedded embed.FS

// Embedded is the knowledge base built into the binary.
func Embedded() fs.FS { return embedded }

// Open returns the embedded knowledge base with dir laid over it. An empty dir gives the
// embedded one alone. The overlay is read lazily, so edits in dir are seen by the next read.
func Open(dir string) (fs.FS, error) {
	if dir == "" {
		return embedded, nil
	}
	st, err := os.Stat(dir)
	if err != nil {
		return nil, err
	}
	if !st.IsDir() {
		return nil, errors.New(dir + ": not a directory")
	}
	return overlay{top: os.DirFS(dir), base: embedded}, nil
}

// overlay is an fs.FS that reads top first and base where top lacks a file; directory
// listings are the union of both, top winning on a shared name.
type overlay struct {
	top, base fs.FS
}

func (o overlay) Open(name string) (fs.File, error) {
	if f, err := o.top.Open(name); err == nil {
		st, serr := f.Stat()
		if serr == nil && !st.IsDir() {
			return f, nil
		}
		f.Close()
	}
	return o.base.Open(name)
}

func (o overlay) ReadFile(name string) ([]byte, error) {
	if b, err := fs.ReadFile(o.top, name); err == nil {
		return b, nil
	}
	return fs.ReadFile(o.base, name)
}

func (o overlay) ReadDir(name string) ([]fs.DirEntry, error) {
	top, terr := fs.ReadDir(o.top, name)
	base, berr := fs.ReadDir(o.base, name)
	if terr != nil && berr != nil {
		return nil, berr
	}
	seen := make(map[string]bool, len(top))
	out := make([]fs.DirEntry, 0, len(top)+len(base))
	for _, e := range top {
		seen[e.Name()] = true
		out = append(out, e)
	}
	for _, e := range base {
		if !seen[e.Name()] {
			out = append(out, e)
		}
	}
	slices.SortFunc(out, func(a, b fs.DirEntry) int { return strings.Compare(a.Name(), b.Name()) })
	return out, nil
}
