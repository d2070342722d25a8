// Flow 14: the PDF report of an assessment. The PDF export is being built separately
// (`crates/report`, feature `pdf`); until it lands, this file only holds its place so that
// the walkthrough's other flows (12, 13) do not depend on it.
//
// When it lands: from the results page of the assessment created in flow 13, follow
// "PDF (English)" and "PDF (日本語)", check the response is application/pdf, starts with
// %PDF-, and carries the assessment's title; then the same from the answer page's link.

import { test } from 'node:test';

test.todo('the PDF report of an assessment downloads in both languages from the results page');
