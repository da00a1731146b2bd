package store

import (
	"fmt"
	"sync"

	"github.com/klauspost/compress/zstd"
)

// Each patient's chart is stored as one JSON document compressed with
// zstd and a raw dictionary of FHIR vocabulary: FHIR JSON shrinks about
// sixfold, and so do the sealed file, the time to decrypt it and the
// memory it takes. Documents are unpacked one chart at a time, when the
// chart is read. Changing the dictionary changes schemaVersion.
var jsonDictionary = []byte(`"text":"","div":"<div xmlns=\"http://www.w3.org/1999/xhtml\">` +
	`{"resourceType":"Condition","clinicalStatus":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/condition-clinical","code":"active"}]},` +
	`"verificationStatus":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/condition-ver-status","code":"confirmed"}]},"onsetDateTime":"","recordedDate":"` +
	`{"resourceType":"AllergyIntolerance","clinicalStatus":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical","code":"active"}]},` +
	`"verificationStatus":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/allergyintolerance-verification","code":"confirmed"}]},` +
	`"type":"allergy","category":["medication"],"criticality":"high","patient":{"reference":"Patient/","reaction":[{"manifestation":[{"coding":[{"system":"http://snomed.info/sct","code":"","display":""}]}],"severity":"moderate"}]` +
	`{"resourceType":"Flag","status":"active","code":{"coding":[{"system":"http://snomed.info/sct","code":"","display":""}],"text":""},"period":{"start":"` +
	`{"resourceType":"DocumentReference","status":"current","type":{"coding":[{"system":"http://loinc.org","code":"34746-8","display":"Nurse note"}]},"date":"","author":[{"display":"` +
	`"content":[{"attachment":{"contentType":"text/plain; charset=utf-8","data":"` +
	`{"resourceType":"Patient","identifier":[{"type":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v2-0203","code":"MR","display":"Medical record number"}]},"system":"","value":"` +
	`"name":[{"use":"official","family":"","given":["` + `"gender":"female","birthDate":"","address":[{"city":"","postalCode":"","country":"BE"}]` +
	`{"resourceType":"Encounter","status":"in-progress","class":{"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"IMP","display":"inpatient encounter"},` +
	`"location":[{"location":{"reference":"Location/","status":"active"}],"period":{"start":"` +
	`{"resourceType":"MedicationRequest","status":"active","intent":"order","authoredOn":"","requester":{"display":"Dr. ` +
	`"dosageInstruction":[{"text":"","timing":{"repeat":{"boundsPeriod":{"start":""},"frequency":1,"period":1,"periodUnit":"d","timeOfDay":["08:00:00","20:00:00"]}},"asNeededBoolean":true,` +
	`"doseAndRate":[{"doseQuantity":{"value":1,"unit":"mg","system":"http://unitsofmeasure.org","code":"mg"}}]}]` +
	`{"resourceType":"MedicationAdministration","status":"completed","medicationCodeableConcept":{"coding":[{"system":"http://www.nlm.nih.gov/research/umls/rxnorm","code":"","display":""}],"text":""},` +
	`"context":{"reference":"Encounter/","performer":[{"actor":{"display":"RN ` + `"request":{"reference":"MedicationRequest/",` +
	`"dosage":{"route":{"coding":[{"system":"http://snomed.info/sct","code":"26643006","display":"Oral route"}],"text":"oral"},"dose":{"value":` +
	`"route":{"coding":[{"system":"http://snomed.info/sct","code":"47625008","display":"Intravenous route"}],"text":"IV"},` +
	`"referenceRange":[{"low":{"value":,"unit":"","system":"http://unitsofmeasure.org","code":""},"high":{"value":` +
	`"interpretation":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation","code":"H"}]}],` +
	`"category":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/observation-category","code":"laboratory"}]}],` +
	`"component":[{"code":{"coding":[{"system":"http://loinc.org","code":"8480-6","display":"Systolic blood pressure"}]},"valueQuantity":{"value":` +
	`,"unit":"mm[Hg]","system":"http://unitsofmeasure.org","code":"mm[Hg]"}},{"code":{"coding":[{"system":"http://loinc.org","code":"8462-4","display":"Diastolic blood pressure"}]},"valueQuantity":{"value":` +
	`{"name":"","code":"","value":"","number":,"unit":"","time":"","low":,"high":,"range":"","flag":"","abnormal":false}` +
	`{"substance":"","category":"","type":"","reaction":"","severity":"","criticality":"","clinicalStatus":"active","verificationStatus":"confirmed","recorded":"` +
	`{"medication":"","status":"completed","dose":"","route":"oral","time":"","orderId":"` +
	`{"name":"","code":"","status":"active","dosage":"","dose":"","route":"","frequency":"","timing":{"frequency":1,"period":1,"periodUnit":"d","timesOfDay":["08:00"]},"prn":false,"start":"","lastGiven":"` +
	`{"resourceType":"Observation","id":"","meta":{"versionId":"1","lastUpdated":"","status":"final",` +
	`"category":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/observation-category","code":"vital-signs","display":"vital-signs"}]}],` +
	`"code":{"coding":[{"system":"http://loinc.org","code":"","display":""}],"text":""},"subject":{"reference":"Patient/"},` +
	`"encounter":{"reference":"Encounter/"},"effectiveDateTime":"2026-","issued":"","valueQuantity":{"value":,"unit":"/min","system":"http://unitsofmeasure.org","code":"/min"}}`)

const dictionaryID = 1

// maxChart bounds an unpacked chart document (a chart is tens of kB).
const maxChart = 64 << 20

var codec = sync.OnceValues(func() (*zstdCodec, error) {
	enc, err := zstd.NewWriter(nil, zstd.WithEncoderDictRaw(dictionaryID, jsonDictionary), zstd.WithEncoderConcurrency(1))
	if err != nil {
		return nil, err
	}
	dec, err := zstd.NewReader(nil, zstd.WithDecoderDictRaw(dictionaryID, jsonDictionary),
		zstd.WithDecoderConcurrency(0), zstd.WithDecoderMaxMemory(maxChart))
	if err != nil {
		return nil, err
	}
	return &zstdCodec{enc: enc, dec: dec}, nil
})

// zstdCodec's EncodeAll and DecodeAll are safe for concurrent use.
type zstdCodec struct {
	enc *zstd.Encoder
	dec *zstd.Decoder
}

// pack compresses a document.
func pack(doc []byte) ([]byte, error) {
	c, err := codec()
	if err != nil {
		return nil, err
	}
	return c.enc.EncodeAll(doc, make([]byte, 0, len(doc)/4)), nil
}

// unpack returns the document a value was packed from.
func unpack(b []byte) ([]byte, error) { return unpackInto(nil, b) }

// unpackInto is unpack appending to dst (dst[:0] reuses a buffer).
func unpackInto(dst, b []byte) ([]byte, error) {
	c, err := codec()
	if err != nil {
		return nil, err
	}
	out, err := c.dec.DecodeAll(b, dst)
	if err != nil {
		return nil, fmt.Errorf("unpacking a stored chart: %w", err)
	}
	return out, nil
}
