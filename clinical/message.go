package clinical

import (
	"fmt"
	"strings"
)

// Message is a sentence of the review (a warning) in words the window can
// put in the nurse's language: an English format, which is the key of the
// window's catalogue (app/i18n), and its arguments. An argument is
//   - a string: as written, never translated (a medication or allergy
//     name, a code, a unit, a time);
//   - a Number: a decimal number, which the window writes in its language
//     (37,5 in Dutch and French);
//   - a Message: a phrase translated in turn ("high criticality");
//   - an int: a count, for %d.
//
// Warning.Text is the message in English, as the command line prints it.
// Every format and phrase is written in the code as msg("…") or tr("…"),
// so that a test can find them all and check that the catalogue has each
// in every language.
type Message struct {
	Format string
	Args   []any
}

// Number is a decimal number in a Message.
type Number float64

// msg is a message of format and its arguments.
func msg(format string, args ...any) Message { return Message{Format: format, Args: args} }

// tr marks a phrase kept in a table (a vital sign's name, a drug class)
// as one the window translates when it is used as msg(phrase): it returns
// the phrase unchanged.
func tr(phrase string) string { return phrase }

// inContext is a short word whose translation depends on where it stands,
// as the catalogue keys it ("order status|stopped"); it reads as word in
// English.
func inContext(context, word string) Message { return msg(context + "|" + word) }

// English is the message in English.
func (m Message) English() string {
	return m.Render(func(format string) string {
		if i := strings.IndexByte(format, '|'); i >= 0 {
			return format[i+1:]
		}
		return format
	}, num)
}

// Render fills the message in: translate gives a format (or a phrase) in
// the language wanted, number writes a Number.
func (m Message) Render(translate func(string) string, number func(float64) string) string {
	if len(m.Args) == 0 {
		return translate(m.Format)
	}
	args := make([]any, len(m.Args))
	for i, a := range m.Args {
		switch a := a.(type) {
		case Message:
			args[i] = a.Render(translate, number)
		case Number:
			args[i] = number(float64(a))
		default:
			args[i] = a
		}
	}
	return fmt.Sprintf(translate(m.Format), args...)
}

// Equal says whether two messages say the same: the same format and
// arguments.
func (m Message) Equal(o Message) bool {
	if m.Format != o.Format || len(m.Args) != len(o.Args) {
		return false
	}
	for i, a := range m.Args {
		am, ok1 := a.(Message)
		bm, ok2 := o.Args[i].(Message)
		switch {
		case ok1 != ok2:
			return false
		case ok1:
			if !am.Equal(bm) {
				return false
			}
		case a != o.Args[i]:
			return false
		}
	}
	return true
}

// finding is one warning of the review before it is numbered: its rule
// and its message.
type finding struct {
	rule string
	msg  Message
}
