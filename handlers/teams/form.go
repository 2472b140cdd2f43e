package teams

import (
	"github.com/waymarkhq/waymark/bot"
	"github.com/waymarkhq/waymark/handlers"
)

// formElements renders a form: its title, an input for each field (a
// select without options is a text input), and an ActionSet whose submit
// button's verb is the form's ID. Teams sends the inputs' values, by field
// name, in the submission's data.
func formElements(f bot.Form) []any {
	var items []any
	if f.Title != "" {
		t := textBlock(escape(handlers.Truncate(f.Title, maxTitle)))
		t["weight"] = "Bolder"
		t["size"] = "Medium"
		items = append(items, t)
	}
	for _, fd := range f.Fields {
		items = append(items, input(fd))
	}
	submit := map[string]any{
		"type":             "Action.Execute",
		"title":            handlers.Truncate(firstOf(f.SubmitLabel, "Submit"), maxActionText),
		"verb":             f.ID,
		"style":            "positive",
		"associatedInputs": "auto",
	}
	return []any{
		map[string]any{"type": "Container", "separator": true, "items": items},
		map[string]any{"type": "ActionSet", "actions": []any{submit}},
	}
}

func input(fd bot.Field) map[string]any {
	label := handlers.Truncate(firstOf(fd.Label, fd.Name), maxTitle)
	in := map[string]any{"id": fd.Name, "label": label}
	if fd.Required {
		in["isRequired"] = true
		in["errorMessage"] = "Please fill in " + label + "."
	}
	if fd.Kind == bot.FieldSelect && len(fd.Options) > 0 {
		in["type"] = "Input.ChoiceSet"
		in["style"] = "compact"
		var choices []any
		for _, o := range fd.Options {
			choices = append(choices, map[string]any{"title": handlers.Truncate(firstOf(o.Label, o.Value), maxTitle), "value": o.Value})
			if o.Value == fd.Value && fd.Value != "" {
				in["value"] = fd.Value
			}
		}
		in["choices"] = choices
		if fd.Hint != "" {
			in["placeholder"] = handlers.Truncate(fd.Hint, maxTitle)
		}
		return in
	}
	in["type"] = "Input.Text"
	if fd.Kind == bot.FieldTextArea {
		in["isMultiline"] = true
	}
	if fd.MaxLen > 0 {
		in["maxLength"] = fd.MaxLen
	}
	if fd.Hint != "" {
		in["placeholder"] = handlers.Truncate(fd.Hint, maxText)
	}
	if v := fd.Value; v != "" {
		if fd.MaxLen > 0 {
			v = handlers.Truncate(v, fd.MaxLen)
		}
		in["value"] = handlers.Truncate(v, maxText)
	}
	return in
}
