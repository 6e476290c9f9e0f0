package bot

import (
	"errors"
	"io"
	"net/http"
)

// ReadBody is the first step of every webhook: it reads at most max bytes of the request
// body, so that nothing is parsed or verified from an unbounded read. It answers 413 for
// a larger body and 400 for one that cannot be read, and then returns false: the caller
// stops there.
func ReadBody(w http.ResponseWriter, r *http.Request, max int64) ([]byte, bool) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, max))
	if err == nil {
		return body, true
	}
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		http.Error(w, "body too large", http.StatusRequestEntityTooLarge)
	} else {
		http.Error(w, "cannot read body", http.StatusBadRequest)
	}
	return nil, false
}
