package telegramtest

import (
	"io"
	"net/http"
	"time"
)

// Document is a file sent with sendDocument (multipart/form-data, field
// "document").
type Document struct {
	Name        string // the file name given in the upload
	ContentType string
	Data        []byte
}

// sendDocument keeps an uploaded document as a message of the chat whose
// Text is the caption; call with mu held, after params parsed the form.
func (s *Server) sendDocument(p map[string]string, r *http.Request) (any, *apiError) {
	chatID, aerr := int64Param(p, "chat_id")
	if aerr != nil {
		return nil, aerr
	}
	if r.MultipartForm == nil || len(r.MultipartForm.File["document"]) == 0 {
		return nil, badRequest("there is no document in the request")
	}
	fh := r.MultipartForm.File["document"][0]
	f, err := fh.Open()
	if err != nil {
		return nil, badRequest("can't read the document: %v", err)
	}
	defer f.Close()
	data, err := io.ReadAll(f)
	if err != nil {
		return nil, badRequest("can't read the document: %v", err)
	}
	if len(data) == 0 {
		return nil, badRequest("file must be non-empty")
	}
	caption, links, aerr := text(p["caption"], p["parse_mode"])
	if aerr != nil {
		return nil, aerr
	}
	s.nextMsg[chatID]++
	m := &Message{ID: s.nextMsg[chatID], ChatID: chatID, Text: caption, HTML: p["caption"], ParseMode: p["parse_mode"],
		Links: links, Date: time.Now(), Document: &Document{Name: fh.Filename, ContentType: fh.Header.Get("Content-Type"), Data: data}}
	s.msgs[chatID] = append(s.msgs[chatID], m)
	return s.messageJSON(m), nil
}

// Documents lists the documents sent to a chat, oldest first.
func (s *Server) Documents(chatID int64) []Document {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Document
	for _, m := range s.msgs[chatID] {
		if m.Document != nil {
			d := *m.Document
			d.Data = append([]byte(nil), d.Data...)
			out = append(out, d)
		}
	}
	return out
}
