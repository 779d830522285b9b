// SPDX-License-Identifier: GPL-3.0-or-later
//
// Progressive enhancement of the upload form: a file can be dropped on the
// form, and the upload shows its progress and can be cancelled. Without
// this script the form works the same, just without those.
'use strict';

(function () {
  function enhance (form) {
    const input = form.querySelector('input[type=file]');
    const zone = form.querySelector('.drop-zone');
    const transfer = form.querySelector('.transfer');
    const bar = transfer.querySelector('progress');
    const status = transfer.querySelector('.upload-status');
    const cancel = transfer.querySelector('.cancel');
    const submit = form.querySelector('button[type=submit]');
    let request = null;

    zone.addEventListener('dragover', (event) => {
      event.preventDefault();
      zone.classList.add('over');
    });
    zone.addEventListener('dragleave', () => zone.classList.remove('over'));
    zone.addEventListener('drop', (event) => {
      event.preventDefault();
      zone.classList.remove('over');
      if (event.dataTransfer && event.dataTransfer.files.length > 0) {
        input.files = event.dataTransfer.files;
      }
    });

    // The server answers with a page (the file list after a redirect, or
    // the form with a message): show it as if the browser had navigated.
    function show (xhr) {
      const page = new DOMParser().parseFromString(xhr.responseText, 'text/html');
      document.title = page.title;
      document.body.replaceWith(page.body);
      history.replaceState(null, '', xhr.responseURL || form.action);
      const again = document.querySelector('form[data-upload]');
      if (again) enhance(again);
    }

    cancel.addEventListener('click', () => {
      if (request) request.abort();
    });

    form.addEventListener('submit', (event) => {
      if (!window.FormData || input.files.length === 0) return;
      event.preventDefault();
      const xhr = new XMLHttpRequest();
      request = xhr;
      xhr.open('POST', form.action);
      xhr.upload.addEventListener('progress', (progress) => {
        if (!progress.lengthComputable) return;
        bar.max = progress.total;
        bar.value = progress.loaded;
        status.textContent = Math.floor(100 * progress.loaded / progress.total) + ' %';
      });
      xhr.addEventListener('load', () => show(xhr));
      xhr.addEventListener('error', () => {
        status.textContent = 'The upload failed: the connection to the server was lost.';
        submit.disabled = false;
      });
      xhr.addEventListener('abort', () => {
        transfer.hidden = true;
        submit.disabled = false;
        status.textContent = '';
        request = null;
      });
      transfer.hidden = false;
      submit.disabled = true;
      status.textContent = '0 %';
      xhr.send(new FormData(form));
    });
  }

  const form = document.querySelector('form[data-upload]');
  if (form) enhance(form);
})();
