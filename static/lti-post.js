// Posts the launch form to the tool as soon as the page is read (LTI's form_post answer);
// without scripts, the person presses the button.
document.querySelectorAll("form[data-autosubmit]").forEach(function (f) {
  f.submit();
});
